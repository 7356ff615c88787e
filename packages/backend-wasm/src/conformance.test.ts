import { cpuBackend } from "@lintra/backend-cpu";
import { describeBackend } from "@lintra/conformance";
import { wasmBackend } from "./index.js";

describeBackend(wasmBackend);

// The reference backend is held to the suite too, against an implementation it shares no
// code with: compared with itself, its cases could not fail.
describeBackend(cpuBackend, { reference: wasmBackend, large: false });
