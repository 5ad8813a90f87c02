import type { Context } from 'hono';
import { batchSchema, collectResponseSchema, runSteps, SCHEMAS_BY_TYPE, type CollectResponse } from '../../collect/events/index.js';
import { collectRequest, collectSteps, type Endpoint } from '../collect/index.js';
import { errorSchema } from '../errors.js';
import type { App, AppDeps, AppEnv } from '../types.js';

const errorResponses = {
  400: { description: 'Body too large, not JSON, or no valid message (the reasons are listed).', content: { 'application/json': { schema: errorSchema } } },
  401: { description: 'No API key, or an unknown or revoked one.', content: { 'application/json': { schema: errorSchema } } },
  403: { description: 'The key is not a write (or admin) key.', content: { 'application/json': { schema: errorSchema } } },
};

/** The collection API, compatible with Segment's HTTP Tracking API. */
export function collectRoutes(app: App, deps: AppDeps): void {
  const collector = deps.collector;
  if (!collector) return;
  app.openAPIRegistry.registerComponent('securitySchemes', 'writeKey', {
    type: 'http',
    scheme: 'basic',
    description: 'The key as user name, empty password (as Segment clients send the write key).',
  });

  const steps = collectSteps({ keys: deps.keys, collector, limits: deps.config.server.limits });
  // The route builds the request's state and runs the steps (parse -> validate -> limit -> log);
  // a step that refused the whole request left its answer for the error handler.
  const handle = async (c: Context<AppEnv>, endpoint: Endpoint): Promise<Response> => {
    const request = collectRequest(c, endpoint);
    const result = await runSteps(steps, request);
    if (result.kind !== 'ok') throw request.refusal ?? new Error(`collection step ${result.step} stopped the request: ${result.reason}`);
    const response: CollectResponse = { success: true, accepted: request.logged, rejected: request.rejected };
    return c.json(response, 200);
  };

  const endpoints: Endpoint[] = ['batch', 'identify', 'track', 'page', 'screen', 'group', 'alias'];
  for (const endpoint of endpoints) {
    const path = `/v1/${endpoint}`;
    app.openAPIRegistry.registerPath({
      method: 'post',
      path,
      tags: ['collect'],
      summary: endpoint === 'batch' ? 'Send several messages at once' : `Send one ${endpoint} message`,
      description:
        'Segment HTTP Tracking API. A 200 means the accepted messages are on disk; they reach the datamart within 2 seconds. ' +
        'Invalid messages are listed in `rejected` and the valid ones are kept; a request with no valid message is a 400. ' +
        'Gzip bodies are accepted whatever the Content-Type.',
      security: [{ writeKey: [] }],
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: endpoint === 'batch' ? batchSchema : SCHEMAS_BY_TYPE[endpoint] } },
        },
      },
      responses: {
        200: { description: 'Accepted messages are durable.', content: { 'application/json': { schema: collectResponseSchema } } },
        ...errorResponses,
      },
    });
    app.post(path, (c) => handle(c, endpoint));
  }
}
