export {
  checkOption,
  MAX_FRAME_SIDE_PX,
  MAX_PEOPLE_SCALE,
  OPTION_LIMITS,
  rangeProblem,
  threadsLimit,
  type NumberLimit,
} from './option-limits.js';
export { checkAnalyzeOptions, checkFrameSizeText, type AnalyzeNumericOptions } from './analyze-options-check.js';
export {
  checkAnalysisWorkload,
  estimateAnalysisWorkload,
  WORKLOAD_LIMITS,
  type AnalysisWorkload,
  type AnalysisWorkloadInput,
} from './analysis-workload.js';
export { planAnalysisWork, type AnalysisWorkPlanInput } from './plan-analysis-work.js';
export {
  choosePeopleScale,
  PeopleScaleChoice,
  type FrameWorkloadFacts,
  type PeopleScaleChoiceOptions,
  type PeopleScaleDecision,
} from './people-scale-choice.js';
export { checkSimulateOptions } from './simulate-options-check.js';
export { MAX_YAML_ALIASES, yamlDocumentValue } from './yaml-document-value.js';
