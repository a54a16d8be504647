import { Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { LinkCommands } from './link-commands';
import { LinkServer } from './link-server';
import { SnapshotBuilder } from './snapshot-builder';

/** The API link: the runner's Socket.IO server for APIs (see link-server.ts). */
@Module({
  imports: [AgentModule],
  providers: [SnapshotBuilder, LinkCommands, LinkServer],
})
export class LinkModule {}
