// `fsvfm quickstart`: the programmatic API.
export {
  type QuickstartConfig,
  type QuickstartOptions,
  quickstartConfig,
  TINY_MODEL,
} from './quickstartConfig.js';
export { type QuickstartHooks, QuickstartInterrupted, type StageProgress } from './quickstartHooks.js';
export { quickstartLayout } from './quickstartLayout.js';
export { quickstartReportHtml } from './quickstartReport.js';
export { QUICKSTART_SCHEMA, type QuickstartSummary } from './quickstartSummary.js';
export { runQuickstart } from './runQuickstart.js';
