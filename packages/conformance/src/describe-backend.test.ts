import { variant } from "../test/broken-backends.js";
import { describeBackend } from "./describe-backend.js";

// A backend with gaps passes the suite: each gap is asserted to throw the typed error
// (and shows in supportOf), not skipped. float32 cases only, without the large ones.
describeBackend(variant("cpu-with-gaps", { remove: ["exp", "gather", "cumsum"], dtypes: ["float32", "bool"] }), { dtypes: ["float32"], large: false });
