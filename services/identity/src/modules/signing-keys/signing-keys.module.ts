import { defineModule } from '@commonhold/kit';
import { jwksRoutes } from './jwks.routes';

export const signingKeysModule = defineModule({ name: 'signing-keys', routes: jwksRoutes });
