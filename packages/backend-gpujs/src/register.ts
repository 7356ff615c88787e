// `import "@lintra/backend-gpujs/register"` makes `setBackend("gpujs")` find this backend by
// name. The package's main entry registers nothing; this entry exists to do only that.
import { registerBackend } from "@lintra/core-ir";
import { gpujsBackend } from "./index.js";

registerBackend(gpujsBackend);
