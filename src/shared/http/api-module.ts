import type { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Server as SocketServer } from 'socket.io';

/** The app's Socket.IO server as a module sees it: `clustered` when an adapter shares it with other processes (REDIS_URL). */
export interface RealtimeHub {
  io: SocketServer;
  clustered: boolean;
}
import type { Bilingual } from '../errors/error.messages';

/** What a component contributes to the JSON API: routes under /api/v1 and their OpenAPI entries. */
export interface ApiModule {
  name: string;
  router: Router;
  /** Server-rendered pages mounted at the site root, outside /api (e.g. the public /8003/{GRAI} page). */
  pages?: Router;
  registerOpenApi(registry: OpenAPIRegistry): void;
  /** Routes (below /api/v1) whose JSON bodies may exceed the global BODY_LIMIT, e.g. batch capture. */
  largeBodies?: readonly { path: string; limit: string; types?: readonly string[] }[];
  /**
   * Routes (below /api/v1) whose bodies reach the router as the bytes sent (a Buffer), whatever
   * their content type: signed requests hash exactly what was sent, then parse it themselves.
   */
  rawBodies?: readonly { path: string; limit: string }[];
  /** Conditions an operator must see that do not stop the service (shown in /readyz). */
  healthWarnings?: () => Promise<readonly HealthWarning[]>;
  /** Serves Socket.IO namespaces on the app's server, once it exists; returns the detach (a restart of the components). */
  attachRealtime?: (realtime: RealtimeHub) => () => void;
  /** Stops what the module runs in the background (timers, runners), before the database closes. */
  stop?: () => Promise<void>;
  /**
   * Problem codes whose titles the component keeps in a table of its own (the ledger's refusal
   * reasons): looked up through the app's one message catalog (shared/errors/problem.localize.ts).
   */
  problemTitles?: Readonly<Record<string, Bilingual>>;
}

export interface HealthWarning {
  component: string;
  code: string;
  message: string;
}
