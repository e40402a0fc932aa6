"""Default success answers of the fake Web API: Slack's samples filled in from the arguments."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.sandbox.limits import packaged_answers

# Slack's sample answers in ../shared (tests); without them, the packaged minimal answers.
SAMPLES_DIR = Path(__file__).parents[3] / "shared/slack/api"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
APP_ID = "A0001"
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})
# Placeholders in Slack's samples that must not leak into a success answer.
_ERROR_KEYS = frozenset(
    {"error", "errors", "warning", "needed", "provided", "deprecated_argument", "response_metadata"}
)
_FIRST_TS_MICROS = 1_700_000_000_000_000


class DefaultAnswers:
    """Builds `ok: true` bodies; samples are read on first use and kept per instance."""

    def __init__(
        self,
        team_id: str,
        team_domain: str,
        samples_dir: Path = SAMPLES_DIR,
        people: Mapping[str, str] | None = None,
    ) -> None:
        self.team_id = team_id
        self._people = dict(people or {})  # user id -> real name (the sandbox's people)
        self.team_domain = team_domain
        self._samples_dir = samples_dir
        self._samples: dict[str, dict[str, Any] | None] = {}
        self._serial = 0

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """The success body for a valid call to `method`."""
        body = self._sample(method)
        if method in ("chat.postMessage", "chat.update"):
            ts = str(args["ts"]) if method == "chat.update" else self._next_ts()
            body.update(channel=args["channel"], ts=ts, message=self._message(args, ts))
            if method == "chat.update":
                body["text"] = args.get("text", "")
        elif method == "chat.postEphemeral":
            body["message_ts"] = self._next_ts()
        elif method in VIEW_METHODS:
            body["view"] = self._view(method, args, body.get("view", {}))
        elif method == "chat.getPermalink":
            body.update(channel=args["channel"], permalink=self._permalink(args))
        elif method == "auth.test":
            body = self._auth_test(body)
        elif method == "users.info":
            body["user"] = self._user(args["user"], body.get("user", {}))
        elif method in ("conversations.info", "conversations.join"):
            body["channel"] = {**body.get("channel", {}), "id": args["channel"], "is_member": True}
        elif method == "conversations.open":
            # A DM's id, derived from the user so that tests can tell the DMs apart.
            body["channel"] = {"id": "D" + str(args.get("users", "")).split(",")[0].lstrip("UW")}
        return body

    def _sample(self, method: str) -> dict[str, Any]:
        """Slack's sample answer without its placeholder error fields, or just `ok`."""
        if method not in self._samples:
            path = self._samples_dir / f"{method}.json"
            if path.exists():
                self._samples[method] = json.loads(path.read_text("utf-8"))
            elif not self._samples_dir.exists():
                self._samples[method] = packaged_answers().get(method)
            else:
                self._samples[method] = None
        sample = self._samples[method]
        if sample is None:
            return {"ok": True}
        body = {k: v for k, v in sample.items() if k not in _ERROR_KEYS}
        return {**copy.deepcopy(body), "ok": True}

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def _next_ts(self) -> str:
        micros = _FIRST_TS_MICROS + self._next_serial() * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _message(self, args: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": self.team_id,
            "text": args.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if key in args:
                message[key] = args[key]
        return message

    def _view(self, method: str, args: dict[str, Any], sample: dict[str, Any]) -> dict[str, Any]:
        serial = self._next_serial()
        view_id = args.get("view_id") or f"V{serial:010d}"
        scalars = {k: v for k, v in sample.items() if not isinstance(v, dict | list)}
        return {
            **scalars,
            "type": "home" if method == "views.publish" else "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            **args["view"],
            "id": view_id,
            "team_id": self.team_id,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "app_installed_team_id": self.team_id,
            "root_view_id": view_id,
            "previous_view_id": None,
            "hash": f"{_FIRST_TS_MICROS // 1_000_000 + serial}.{serial:08x}",
        }

    def _permalink(self, args: dict[str, Any]) -> str:
        ts = str(args["message_ts"]).replace(".", "")
        return f"https://{self.team_domain}.slack.com/archives/{args['channel']}/p{ts}"

    def _auth_test(self, sample: dict[str, Any]) -> dict[str, Any]:
        # No placeholder enterprise_id/expires_in: Bolt copies auth.test into AuthorizeResult.
        body = {k: v for k, v in sample.items() if k not in ("enterprise_id", "expires_in")}
        return {
            **body,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": "Backlog Test",
            "user": "backlog-bot",
            "team_id": self.team_id,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "is_enterprise_install": False,
        }

    def _user(self, user_id: str, sample: dict[str, Any]) -> dict[str, Any]:
        name = self._people.get(user_id) or f"user-{user_id.lower()}"
        user = {k: v for k, v in sample.items() if not k.startswith("enterprise_")}
        return {
            **user,
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": name,
            "tz": "America/New_York",
            "tz_label": "Eastern Standard Time",
            "tz_offset": -18000,
            "profile": {**user.get("profile", {}), "real_name": name, "display_name": name},
        }
