import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** Any SDK panel builder: it can take an id and a grid position. */
export interface PlaceablePanel extends Builder<dashboard.Panel> {
  id(id: number): unknown;
  gridPos(gridPos: dashboard.GridPos): unknown;
}

const GRID_WIDTH = 24;

/**
 * Lays panels out left to right in Grafana's 24-column grid, wrapping rows, and numbers every
 * panel and row (the SDK assigns no panel ids; Grafana needs them unique for links and
 * `viewPanel`). Add rows and panels through it in reading order.
 */
export class DashboardLayout {
  private nextId = 1;
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  constructor(private readonly dash: dashboard.DashboardBuilder) {}

  /** Starts a new (expanded) row titled `title`. */
  row(title: string): this {
    this.newLine();
    this.dash.withRow(new dashboard.RowBuilder(title).id(this.nextId++).gridPos({ x: 0, y: this.y, w: GRID_WIDTH, h: 1 }));
    this.y += 1;
    return this;
  }

  /** Places `panel` `w` columns wide and `h` high. */
  add(panel: PlaceablePanel, w: number, h: number): this {
    if (w < 1 || w > GRID_WIDTH || h < 1) throw new Error(`bad panel size ${w}x${h}`);
    if (this.x + w > GRID_WIDTH) this.newLine();
    panel.id(this.nextId++);
    panel.gridPos({ x: this.x, y: this.y, w, h });
    this.dash.withPanel(panel);
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
    return this;
  }

  private newLine(): void {
    if (this.x === 0 && this.rowHeight === 0) return;
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }
}
