export * from './slos';
export * from './planned-metrics';
export * from './rules';
export * from './promql';
export * from './artifacts';
export { overviewDashboard } from './dashboards/overview';
export { sloDashboard } from './dashboards/slo';
export { domainDashboard } from './dashboards/domain';
export * from './domain-metrics';
