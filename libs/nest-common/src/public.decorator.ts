import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'forge:isPublic';

/** Marks a route or controller that needs no session (health, sign-in lives outside Nest). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
