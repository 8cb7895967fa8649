import type { Route } from '../router.ts';
import { lookupRoutes } from './lookups.ts';
import { resultRoutes } from './results.ts';
import { runRoutes } from './runs.ts';
import { taskRoutes } from './tasks.ts';

export const routes: Route[] = [...taskRoutes, ...runRoutes, ...lookupRoutes, ...resultRoutes];
