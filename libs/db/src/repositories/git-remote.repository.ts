import { type DataSource, IsNull, type Repository } from 'typeorm';
import { GitRemote } from '../entities';

/** What a push records of itself on its remote. */
export type GitPushRecord = Pick<GitRemote, 'pushedVersion' | 'lastCommit' | 'lastPushedAt'>;

/** Each project's git remote (git_remotes): where it is pushed and how far it got there. */
export class GitRemoteRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(projectId: string): Promise<GitRemote | null> {
    return this.remotes().findOneBy({ projectId });
  }

  /** Creates or replaces the project's remote. */
  async save(remote: Partial<GitRemote> & Pick<GitRemote, 'projectId'>): Promise<void> {
    const remotes = this.remotes();
    await remotes.save(remotes.create(remote));
  }

  /**
   * Records a push, only if the remote still points at `lastCommit` as the push read it (no
   * other push of the same remote finished meanwhile).
   */
  async recordPush(
    projectId: string,
    lastCommit: string | null,
    pushed: GitPushRecord,
  ): Promise<void> {
    await this.remotes().update({ projectId, lastCommit: lastCommit ?? IsNull() }, pushed);
  }

  private remotes(): Repository<GitRemote> {
    return this.dataSource.getRepository(GitRemote);
  }
}
