export * from './api-route.js';
export * from './http-error.js';
export { createApiServer, registeredRoutes, type ApiServerOptions } from './create-api-server.js';
export { openApiDocument } from './openapi-document.js';
export { API_ROUTES } from './routes/index.js';
