// Run by unavailable.test.ts without a display: prints the error of starting headless GL.
import { Runtime } from "../src/runtime.js";

try {
  new Runtime("headlessgl");
  console.log("started");
} catch (e) {
  console.log(`${(e as Error).name}: ${(e as Error).message}`);
}
