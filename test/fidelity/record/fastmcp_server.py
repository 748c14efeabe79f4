"""The real FastMCP (Python MCP SDK v1.x) with the settings of the fidelity profile, for the recorder.

Run by test/fidelity/record/record.ts (never by CI). It mounts FastMCP's authorization server and its protected
/mcp endpoint with an in-memory provider that approves at once, as the mock's default provider does, and three
tools named like the mock's built-in ones. Usage: python fastmcp_server.py PORT
"""

import json
import secrets
import sys
import time

from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    RefreshToken,
    construct_redirect_uri,
)
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.fastmcp import Context, FastMCP
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

CODE_SECONDS = 300
ACCESS_SECONDS = 3600
REFRESH_SECONDS = 30 * 24 * 3600
SUBJECT = "mock-user"


class ApprovingProvider:
    """Keeps clients, codes and tokens in dictionaries; `authorize` approves at once (no page)."""

    def __init__(self) -> None:
        self.clients: dict[str, OAuthClientInformationFull] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}
        # access token -> refresh token of the same pair, and back
        self.pairs: dict[str, str] = {}

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        return self.clients.get(client_id)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        assert client_info.client_id is not None
        self.clients[client_info.client_id] = client_info

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        code = secrets.token_urlsafe(32)
        registered = (client.scope or "").split()
        self.codes[code] = AuthorizationCode(
            code=code,
            scopes=params.scopes if params.scopes is not None else registered,
            expires_at=time.time() + CODE_SECONDS,
            client_id=client.client_id or "",
            code_challenge=params.code_challenge,
            redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            resource=params.resource,
            subject=SUBJECT,
        )
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state)

    async def load_authorization_code(self, client: OAuthClientInformationFull, authorization_code: str):
        code = self.codes.get(authorization_code)
        return code if code is not None and code.client_id == client.client_id else None

    async def exchange_authorization_code(self, client: OAuthClientInformationFull, authorization_code):
        self.codes.pop(authorization_code.code, None)
        return self._issue(client, authorization_code.scopes, authorization_code.resource)

    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str):
        token = self.refresh.get(refresh_token)
        return token if token is not None and token.client_id == client.client_id else None

    async def exchange_refresh_token(self, client, refresh_token: RefreshToken, scopes: list[str]):
        self.refresh.pop(refresh_token.token, None)
        return self._issue(client, scopes, None)

    async def load_access_token(self, token: str) -> AccessToken | None:
        access = self.access.get(token)
        if access is None or (access.expires_at is not None and access.expires_at < time.time()):
            return None
        return access

    async def revoke_token(self, token) -> None:
        partner = self.pairs.pop(token.token, None)
        for value in (token.token, partner):
            if value is not None:
                self.access.pop(value, None)
                self.refresh.pop(value, None)
                self.pairs.pop(value, None)

    def _issue(self, client: OAuthClientInformationFull, scopes: list[str], resource: str | None) -> OAuthToken:
        now = int(time.time())
        access = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        client_id = client.client_id or ""
        self.access[access] = AccessToken(
            token=access,
            client_id=client_id,
            scopes=scopes,
            expires_at=now + ACCESS_SECONDS,
            resource=resource,
            subject=SUBJECT,
        )
        self.refresh[refresh] = RefreshToken(
            token=refresh, client_id=client_id, scopes=scopes, expires_at=now + REFRESH_SECONDS, subject=SUBJECT
        )
        self.pairs[access] = refresh
        self.pairs[refresh] = access
        return OAuthToken(
            access_token=access,
            token_type="Bearer",
            expires_in=ACCESS_SECONDS,
            scope=" ".join(scopes),
            refresh_token=refresh,
        )


def build(port: int) -> FastMCP:
    base = f"http://127.0.0.1:{port}"
    server = FastMCP(
        "mcp-authed-client-mock",
        host="127.0.0.1",
        port=port,
        auth_server_provider=ApprovingProvider(),
        auth=AuthSettings(
            issuer_url=base,
            resource_server_url=f"{base}/mcp",
            required_scopes=["read"],
            client_registration_options=ClientRegistrationOptions(
                enabled=True, valid_scopes=["read", "write", "admin"], default_scopes=["read"]
            ),
            revocation_options=RevocationOptions(enabled=True),
        ),
    )

    @server.tool(description="Returns its input.")
    def echo(message: str) -> str:
        return message

    @server.tool(description="Who the access token belongs to.")
    def whoami(ctx: Context) -> str:
        return json.dumps({"subject": SUBJECT})

    @server.tool(description="Returns its input, but only to a token holding the elevated scope.")
    def elevated_echo(message: str) -> str:
        return message

    return server


if __name__ == "__main__":
    build(int(sys.argv[1])).run(transport="streamable-http")
