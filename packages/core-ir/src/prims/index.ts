// Importing these files declares every built-in primitive, once.
import "./elementwise.js";
import "./movement.js";
import "./reduce.js";
import "./indexing.js";
import "./jit.js";
import "./checkpoint.js";
import "./custom.js";
import "./control.js";
