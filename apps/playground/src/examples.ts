/** An example for the menu: the editor's code and the argument field. */
export interface Example {
  readonly name: string;
  readonly code: string;
  readonly args: string;
}

export const examples: readonly Example[] = [
  {
    name: "sin(x)·x",
    code: "(x: np.Array) => np.sum(np.sin(x).mul(x))\n",
    args: "np.array([1, 2, 3])",
  },
  {
    name: "softplus (scalar)",
    code: "// log(1 + eˣ), finite for large x; its derivative is the sigmoid\n(x: np.Array) => nn.softplus(x)\n",
    args: "0.5",
  },
  {
    name: "MLP loss",
    code: [
      "// Logistic loss of a two-layer MLP, as a function of its first layer's weights",
      "const inputs = np.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.9], [0.2, 0.4]]);",
      "const labels = np.array([1, 0, 1, 0]);",
      "const w2 = np.array([0.6, -0.4, 0.3]);",
      "",
      "(w1: np.Array) => {",
      "  const hidden = np.tanh(np.matmul(inputs, w1));   // [4, 3]",
      "  const logits = np.matmul(hidden, w2);             // [4]",
      "  return np.mean(nn.softplus(logits).sub(logits.mul(labels)));",
      "};",
      "",
    ].join("\n"),
    args: "np.array([[0.1, -0.2, 0.3], [0.4, 0.1, -0.5]])",
  },
  {
    name: "np.where (scalar)",
    code: "// x² right of 0, sin x left of it: f is continuous at 0, f′ jumps from 1 to 0\n(x: np.Array) => np.where(np.greater(x, 0), x.mul(x), np.sin(x))\n",
    args: "0.5",
  },
];
