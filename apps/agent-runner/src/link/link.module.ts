import { Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { SandboxReaper } from '../sandbox/sandbox-reaper';
import { LinkCommands } from './link-commands';
import { PublishedAppServers } from './published-app-servers';
import { LinkServer } from './link-server';
import { SnapshotBuilder } from './snapshot-builder';

/**
 * The API link: the runner's Socket.IO server for APIs (see link-server.ts). The reaper lives
 * here with the link's `destroy`: the two ways a deleted project's sandbox goes.
 */
@Module({
  imports: [AgentModule],
  providers: [SnapshotBuilder, LinkCommands, LinkServer, SandboxReaper, PublishedAppServers],
})
export class LinkModule {}
