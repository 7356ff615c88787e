import uPlot from "uplot";
import type { PlotData } from "./analysis.js";
import { formatNumber } from "./format.js";

const COLORS = { f: "#1f6feb", df: "#d1242f", d2f: "#1a7f37" };

const series = (label: string, stroke: string): uPlot.Series => ({
  label,
  stroke,
  width: 2,
  value: (_u, v) => (v == null ? "—" : formatNumber(v)),
});

/** A dashed vertical line at the argument. */
function markPoint(point: number): (u: uPlot) => void {
  return (u) => {
    const x = u.valToPos(point, "x", true);
    const { ctx, bbox } = u;
    ctx.save();
    ctx.strokeStyle = "#888";
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.restore();
  };
}

/** The plots of f, f′ and f″; the legend reads out the values under the cursor. */
export class DerivativePlot {
  private chart: uPlot | null = null;

  constructor(private readonly parent: HTMLElement) {}

  show(data: PlotData): void {
    this.clear();
    const options: uPlot.Options = {
      width: Math.max(320, this.parent.clientWidth),
      height: 260,
      scales: { x: { time: false } },
      axes: [{}, {}],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: "x", value: (_u, v) => (v == null ? "—" : formatNumber(v)) },
        series("f", COLORS.f),
        series("f′", COLORS.df),
        series("f″", COLORS.d2f),
      ],
      hooks: { draw: [markPoint(data.point)] },
    };
    this.chart = new uPlot(options, [data.xs.slice(), data.f.slice(), data.df.slice(), data.d2f.slice()], this.parent);
  }

  clear(): void {
    this.chart?.destroy();
    this.chart = null;
  }
}
