import { Array as LArray } from "lintra";

/** A number as the value panels print it: seven significant digits, trailing zeros dropped. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(7)));
}

function formatNested(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (Array.isArray(v)) return `[${v.map(formatNested).join(", ")}]`;
  return String(v);
}

/** A pytree of arrays (an array, a list of arrays, an object of arrays) read back as text. */
export function formatValue(v: unknown): string {
  if (v instanceof LArray) return formatNested(v.toArray());
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${formatValue(x)}`)
      .join(", ")} }`;
  }
  return formatNested(v);
}
