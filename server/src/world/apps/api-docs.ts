import type { App } from '../api/define.ts';
import { defineApi, defineApp } from '../api/define.ts';
import { apiDoc } from '../api/docs.ts';
import { ApiFailure } from '../api/failure.ts';
import { param } from '../api/params.ts';
import type { Shape } from '../api/shape.ts';
import { suggestion } from '../suggest.ts';

function findApp(apps: ReadonlyMap<string, App>, name: string): App {
  const app = apps.get(name);
  if (!app) throw new ApiFailure(404, `No app named '${name}'.${suggestion(name, [...apps.keys()])}`);
  return app;
}

const DOC_SHAPE: Shape = {
  app_name: 'string',
  api_name: 'string',
  description: 'string',
  requires_auth: 'boolean',
  parameters: [
    {
      name: 'string',
      type: 'string',
      required: 'boolean',
      description: 'string',
      default: 'any',
      constraints: ['string'],
    },
  ],
  response_schemas: { success: 'any', failure: 'any' },
};

const showAppDescriptions = defineApi({
  name: 'show_app_descriptions',
  description: 'List every app with a one-line description.',
  requiresAuth: false,
  params: {},
  response: [{ name: 'string', description: 'string' }],
  handler: ({ apps }) => [...apps.values()].map((app) => ({ name: app.name, description: app.description })),
});

const showApiDescriptions = defineApi({
  name: 'show_api_descriptions',
  description: 'List the APIs of one app with a one-line description each.',
  requiresAuth: false,
  params: { app_name: param.string('Name of the app, as listed by show_app_descriptions.') },
  response: [{ name: 'string', description: 'string' }],
  handler: ({ apps }, { app_name }) =>
    findApp(apps, app_name).apis.map((api) => ({ name: api.name, description: api.description })),
});

const showApiDoc = defineApi({
  name: 'show_api_doc',
  description:
    "Show one API's full doc: its parameters (type, required, default, constraints) and response schema.",
  requiresAuth: false,
  params: {
    app_name: param.string('Name of the app.'),
    api_name: param.string('Name of the API, as listed by show_api_descriptions.'),
  },
  response: DOC_SHAPE,
  handler: ({ apps }, { app_name, api_name }) => {
    const app = findApp(apps, app_name);
    const api = app.apis.find((candidate) => candidate.name === api_name);
    if (!api) {
      const names = app.apis.map((candidate) => candidate.name);
      throw new ApiFailure(
        404,
        `App '${app_name}' has no API named '${api_name}'.${suggestion(api_name, names)}`,
      );
    }
    return apiDoc(app.name, api);
  },
});

export const apiDocsApp = defineApp('api_docs', 'Documentation of every app and API in this world.', [
  showAppDescriptions,
  showApiDescriptions,
  showApiDoc,
]);
