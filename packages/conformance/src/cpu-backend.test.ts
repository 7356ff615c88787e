// The reference backend runs the suite on itself here: backend-cpu cannot depend on this
// package (this package depends on it as the reference). Against itself the comparisons
// are trivial; the known-value, gradient and declared-support blocks are not.
import { cpuBackend } from "@lintra/backend-cpu";
import { describeBackend } from "./index.js";

describeBackend(cpuBackend);
