// What other modules may import from service-accounts (nothing yet: it is used through GraphQL and /auth/token).
export {};
