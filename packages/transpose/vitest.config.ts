import { packageConfig } from "../../vitest.shared";

export default packageConfig("@lintra/transpose");
