// By path rather than by package name: @lintra/conformance depends on this package as its
// reference, and a dev dependency back would make the workspace graph cyclic (turbo refuses it).
import { describeBackend } from "../../conformance/src/index.js";
import { cpuBackend } from "./index.js";

describeBackend(cpuBackend);
