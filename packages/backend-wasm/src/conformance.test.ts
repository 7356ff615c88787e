import { describeBackend } from "@lintra/conformance";
import { wasmBackend } from "./index.js";

describeBackend(wasmBackend);
