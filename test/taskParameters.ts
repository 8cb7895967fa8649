import type { INodeParameters } from "n8n-workflow";

import { SEED } from "../sandbox/seed.ts";

/**
 * Arize Tasks → Create for one code evaluation task per input item, named by the item's `name`, on the seeded
 * project with one seeded evaluator: the Create that the tests and benchmarks of many items run.
 */
export const CREATE_TASK_PER_ITEM: INodeParameters = {
  resource: "task",
  operation: "create",
  name: "={{ $json.name }}",
  taskType: "CODE_EVALUATION",
  dataSource: "project",
  projectId: { __rl: true, mode: "id", value: SEED.projectIds.supportChatbot },
  evaluators: { evaluator: [{ evaluatorId: SEED.evaluatorIds.relevance }] },
};
