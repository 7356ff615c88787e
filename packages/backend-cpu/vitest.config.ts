import { packageConfig } from "../../vitest.shared";

export default packageConfig("@lintra/backend-cpu");
