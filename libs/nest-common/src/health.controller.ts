import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from './public.decorator';

const READY_TIMEOUT_MS = 2_000;

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** Alive: the process answers. */
  @Get()
  alive() {
    return { status: 'ok' };
  }

  /** Ready: the database answers within READY_TIMEOUT_MS. */
  @Get('ready')
  async ready() {
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
            READY_TIMEOUT_MS,
          ).unref(),
        ),
      ]);
      return { status: 'ok', database: 'up' };
    } catch (error) {
      throw new ServiceUnavailableException({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        message: `database unreachable: ${(error as Error).message}`,
      });
    }
  }
}
