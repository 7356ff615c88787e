// A first look at lintra: stage a function into a typed program, then evaluate it.
// (The full two-spirals training example replaces this file.)
import { makeProgram, np } from "lintra";

const f = (x: np.Array) => np.sum(np.multiply(np.sin(x), x));
const x = np.array([1, 2, 3]);

console.log(makeProgram(f)(x).toString());
console.log(`f(x) = ${f(x).item()}`);
