import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '@forge/nest-common';
import { type AuthenticatedRequest, toWebHeaders } from './auth-user';
import { AUTH, type Auth } from './auth.factory';

/** Global guard: every route needs a better-auth session unless marked @Public(). */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    @Inject(AUTH) private readonly auth: Auth,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const session = await this.auth.api.getSession({ headers: toWebHeaders(request.headers) });
    if (!session) {
      throw new UnauthorizedException('Sign in first: this route needs a session.');
    }
    request.user = { id: session.user.id, email: session.user.email, name: session.user.name };
    return true;
  }
}
