import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'sid' });
  return registry;
}

export function openApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: '山东省大型科学仪器共享服务平台 API',
      version: '1',
      license: { name: 'Proprietary: 山东省大型科学仪器共享服务平台', identifier: 'LicenseRef-Proprietary' },
      description:
        'Province-wide catalogue of shared large research instruments. Money is integer fen (`…Fen`); ' +
        'errors are application/problem+json, their `title`, `detail` and field messages in the Accept-Language ' +
        '(Chinese unless English comes first; field messages that are codes, e.g. `not_qualified`, stay as they are). ' +
        'Sign in with POST /api/v1/auth/login (session cookie).',
    },
    servers: [{ url: '/' }],
  });
}
