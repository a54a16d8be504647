import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where a project is pushed, and how far it got there. */
@Entity({ name: 'git_remotes' })
export class GitRemote {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  /** An https:// URL without credentials. */
  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text' })
  branch!: string;

  /** Sent with the token in basic auth (most hosts take any name with a token). */
  @Column({ type: 'text', default: 'forge' })
  username!: string;

  /** The token, AES-256-GCM under GIT_TOKEN_KEY (SecretCipher: iv, tag, ciphertext; base64); null: none. */
  @Column({ name: 'token_ciphertext', type: 'text', nullable: true })
  tokenCiphertext!: string | null;

  /** The highest version number pushed; null before the first push. */
  @Column({ name: 'pushed_version', type: 'integer', nullable: true })
  pushedVersion!: number | null;

  /** The commit the branch pointed at after the last push. */
  @Column({ name: 'last_commit', type: 'text', nullable: true })
  lastCommit!: string | null;

  @Column({ name: 'last_pushed_at', type: 'timestamptz', nullable: true })
  lastPushedAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
