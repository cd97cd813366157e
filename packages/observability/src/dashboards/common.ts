import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type DataSourceRef,
  type Panel,
  type Threshold,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode, LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

/** Every panel queries the Prometheus picked in the dashboard's `datasource` variable. */
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

export interface Query {
  expr: string;
  legend?: string;
}

export const TAGS = ['commonhold', 'generated'];

/** A dashboard with the shared header: data-source picker, shared crosshair, 1m refresh. */
export function dashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(TAGS)
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
}

/** The `service` picker, populated from the SLI request counter every service exports. */
export const serviceVariable = () =>
  new QueryVariableBuilder('service')
    .label('Service')
    .datasource(DATASOURCE)
    .query('label_values(http_request_duration_seconds_count, service)')
    .definition('label_values(http_request_duration_seconds_count, service)')
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+')
    .current({ text: 'All', value: '$__all' });

/**
 * Lays panels out left to right in rows of 24 columns and numbers them, so the JSON is stable
 * (no ids or positions depend on Grafana's auto-layout).
 */
export class Layout {
  private x = 0;
  private y = 0;
  private rowHeight = 0;
  private nextId = 1;
  constructor(private readonly builder: DashboardBuilder) {}

  row(title: string): this {
    this.newLine();
    this.builder.withRow(new RowBuilder(title).id(this.nextId++).gridPos({ x: 0, y: this.y, w: 24, h: 1 }));
    this.y += 1;
    return this;
  }

  add(panel: TimeseriesPanelBuilder | StatPanelBuilder, w: number, h = 8): this {
    if (this.x + w > 24) this.newLine();
    panel.id(this.nextId++).gridPos({ x: this.x, y: this.y, w, h });
    this.builder.withPanel(panel as unknown as cog.Builder<Panel>);
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
    return this;
  }

  private newLine() {
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }

  build(): Dashboard {
    return this.builder.build();
  }
}

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const target = (q: Query, i: number, instant = false) => {
  const t = new DataqueryBuilder().expr(q.expr).refId(refIds[i]!).datasource(DATASOURCE);
  if (q.legend) t.legendFormat(q.legend);
  return instant ? t.instant() : t.range();
};

export function timeseries(title: string, description: string, unit: string, queries: Query[]): TimeseriesPanelBuilder {
  const p = new TimeseriesPanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .min(0)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(new VizLegendOptionsBuilder().displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).showLegend(true).calcs([]));
  queries.forEach((q, i) => p.withTarget(target(q, i)));
  return p;
}

/** A timeseries drawing threshold lines (e.g. burn rates 1, 6, 14.4). */
export function withThresholdLines(p: TimeseriesPanelBuilder, steps: Threshold[]): TimeseriesPanelBuilder {
  return p.thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps)).thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
}

export function stat(title: string, description: string, unit: string, query: Query, steps: Threshold[]): StatPanelBuilder {
  return new StatPanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .decimals(2)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps))
    .withTarget(target(query, 0, true));
}

/** `$__rate_interval` stays ≥ 4 scrape intervals at any zoom (Grafana's recommendation for rate()). */
export const RATE = '$__rate_interval';
