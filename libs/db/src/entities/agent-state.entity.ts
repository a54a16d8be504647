import { Column, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { bigintTransformer } from './bigint-transformer';

/** One row a project: where its agent is, so any runner can resume it. */
@Entity({ name: 'agent_states' })
export class AgentStateRow {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'varchar', length: 32, default: 'IDLE' })
  state!: string;

  /** The user's request being worked on (the description or the change asked for). */
  @Column({ type: 'text', nullable: true })
  request!: string | null;

  /** Counts the project's requests: 1 for the first app, 2 for the first follow-up, … */
  @Column({ name: 'request_number', type: 'integer', default: 0 })
  requestNumber!: number;

  /** The model the request chose; null: the runner's configured model. */
  @Column({ name: 'request_model', type: 'text', nullable: true })
  requestModel!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  blueprint!: unknown;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  phases!: unknown[];

  @Column({ name: 'current_phase', type: 'integer', default: 0 })
  currentPhase!: number;

  /** Files of the running phase already closed, and the one being streamed. */
  @Column({ name: 'files_in_flight', type: 'jsonb', default: () => `'[]'` })
  filesInFlight!: unknown[];

  /**
   * Paths the agent deleted (each once): a starter file among them stays removed in a new
   * sandbox and in the download, which otherwise start from the starter template.
   */
  @Column({ name: 'deleted_paths', type: 'jsonb', default: () => `'[]'` })
  deletedPaths!: string[];

  @Column({ type: 'jsonb', nullable: true })
  error!: unknown;

  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;

  @Column({ name: 'last_seq', type: 'bigint', default: 0, transformer: bigintTransformer })
  lastSeq!: number;

  /** Optimistic locking: every write checks and bumps it. */
  @VersionColumn({ type: 'integer' })
  version!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
