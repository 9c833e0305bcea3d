import type { ApiRoute } from '../api-route.js';
import { adminRoutes } from './admin-routes.js';
import { alertRoutes } from './alert-routes.js';
import { authRoutes } from './auth-routes.js';
import { basemapRoutes } from './basemap-routes.js';
import { eventRoutes } from './event-routes.js';
import { healthRoutes } from './health-routes.js';
import { readingRoutes } from './reading-routes.js';
import { reportRoutes } from './report-routes.js';
import { streamDocumentRoutes } from './stream-document-routes.js';
import { streamRoutes } from './stream-routes.js';
import { telemetryRoutes } from './telemetry-routes.js';

/** Every REST route, in documentation order. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...healthRoutes,
  ...authRoutes,
  ...eventRoutes,
  ...basemapRoutes,
  ...streamRoutes,
  ...telemetryRoutes,
  ...streamDocumentRoutes,
  ...readingRoutes,
  ...alertRoutes,
  ...reportRoutes,
  ...adminRoutes,
];
