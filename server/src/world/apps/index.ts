import type { App } from '../api/define.ts';
import { apiDocsApp } from './api-docs.ts';
import { filesApp } from './files.ts';
import { mailApp } from './mail.ts';
import { musicApp } from './music.ts';
import { notesApp } from './notes.ts';
import { phoneApp } from './phone.ts';
import { supervisorApp } from './supervisor.ts';
import { todoApp } from './todo.ts';
import { walletApp } from './wallet.ts';

/** Every app of the world, keyed by the name used in `apis.<app>`. Adding an app is one line here. */
export const APPS: ReadonlyMap<string, App> = new Map(
  [supervisorApp, apiDocsApp, notesApp, todoApp, musicApp, walletApp, mailApp, filesApp, phoneApp].map(
    (app) => [app.name, app],
  ),
);
