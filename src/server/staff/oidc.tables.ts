/** Tables added by migration 0005 (OpenID Connect sign-in), merged into the Database type. */
export interface OidcProvidersTable {
  organisation_id: string;
  issuer: string;
  client_id: string;
  client_secret: string;
  updated_at: string;
}

export interface OidcLoginsTable {
  state: string;
  organisation_id: string;
  browser_hash: string;
  code_verifier: string;
  nonce: string;
  expires_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    oidc_providers: OidcProvidersTable;
    oidc_logins: OidcLoginsTable;
  }
}
