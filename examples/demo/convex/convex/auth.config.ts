// Convex learns the caller from gateway-issued JWTs (customJwt provider).
// GATEWAY_URL is the gateway's public URL (the token issuer); its JWKS is
// served at <GATEWAY_URL>/.well-known/jwks.json. GATEWAY_JWT_ALG selects
// "ES256"; anything else (or unset) means "RS256". Tokens carry iss, sub
// (the user's _id), aud "convex", exp and a kid header.
import type { AuthConfig } from "convex/server";

const issuer = (process.env.GATEWAY_URL ?? "http://127.0.0.1:8080").replace(
  /\/+$/,
  "",
);
const algorithm = process.env.GATEWAY_JWT_ALG === "ES256" ? "ES256" : "RS256";

export default {
  providers: [
    {
      type: "customJwt",
      applicationID: "convex",
      issuer,
      jwks: `${issuer}/.well-known/jwks.json`,
      algorithm,
    },
  ],
} satisfies AuthConfig;
