/** A published build's server part, as a provider runs it. */
export interface AppServerSpec {
  projectId: string;
  /** The publication's build: another build replaces the server running for the project. */
  buildId: string;
  /** The server part, one ES module (SiteBuildResult.server). */
  bundle: Buffer;
  /** The app's own variables (its DATABASE_URL), on top of the provider's. */
  env: Record<string, string>;
}

/** The server part running for a project: which build, and where it answers. */
export interface RunningAppServer {
  buildId: string;
  /** Where the published-app server reaches it (not a URL for the browser). */
  url: string;
}

/**
 * Published apps' server parts (their /api), one per published project, apart from the
 * project's preview sandbox: each keeps running while the sandbox sleeps or is rebuilt. A
 * server that ends is started again by the next ensure().
 */
export interface AppServers {
  /** The server running for the project, if any (no bundle needed to ask). */
  current(projectId: string): Promise<RunningAppServer | null>;
  /**
   * The projects whose server part this provider runs (or holds, stopped), as far as this
   * runner can see: the process provider's own, every one of the Docker host's or the
   * namespace's with this configuration's names (another runner's too).
   */
  list(): Promise<string[]>;
  /** Starts the build's server (stopping another build's) unless it runs; answers its URL. */
  ensure(spec: AppServerSpec): Promise<string>;
  /** Stops the project's server (unpublished, republished without one, deleted). */
  stop(projectId: string): Promise<void>;
  /** Stops them all (runner shutdown). */
  shutdown(): Promise<void>;
}
