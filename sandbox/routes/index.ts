import type { Route } from '../router.ts';
import { evaluatorVersionRoutes } from './evaluator-versions.ts';
import { lookupRoutes } from './lookups.ts';
import { promptRoutes } from './prompts.ts';
import { resultRoutes } from './results.ts';
import { runRoutes } from './runs.ts';
import { taskRoutes } from './tasks.ts';
import { webhookRoutes } from './webhooks.ts';

export const routes: Route[] = [...taskRoutes, ...runRoutes, ...lookupRoutes, ...resultRoutes, ...webhookRoutes, ...evaluatorVersionRoutes, ...promptRoutes];
