/**
 * The projects one browser socket has joined, each with the verdict on its ownership.
 *
 * A join records its ownership check as a promise before the check resolves, so a command
 * pipelined right behind the join waits for the same verdict instead of slipping past it: a
 * pending join is never taken for a granted one. A refused check removes its entry, and every
 * command that waited on it is refused with the same error.
 */
export class SocketProjects {
  private readonly verdicts = new Map<string, Promise<void>>();

  get size(): number {
    return this.verdicts.size;
  }

  /** The ownership verdict recorded for the project, pending or settled, if it was joined. */
  verdict(projectId: string): Promise<void> | undefined {
    return this.verdicts.get(projectId);
  }

  /**
   * Records a join whose ownership `check` decides; joins of a project already recorded share
   * the first verdict. Resolves when the project is owned; rejects (and forgets it) otherwise.
   */
  join(projectId: string, check: () => Promise<void>): Promise<void> {
    const known = this.verdicts.get(projectId);
    if (known) {
      return known;
    }
    const verdict = check().catch((error: unknown) => {
      if (this.verdicts.get(projectId) === verdict) {
        this.verdicts.delete(projectId);
      }
      throw error;
    });
    this.verdicts.set(projectId, verdict);
    return verdict;
  }

  leave(projectId: string): void {
    this.verdicts.delete(projectId);
  }

  ids(): string[] {
    return [...this.verdicts.keys()];
  }
}
