"""The `mentorbot` command: run, demo, sandbox, chat, db."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.config import Settings, SettingsError, load_settings, require_token, require_webhook
from bot.core.programs import ProgramError
from bot.logs import quiet_libraries

log = logging.getLogger("mentorbot")
EXIT_CONFIG = 2


def setup_logging(level: str) -> None:
    """One log format for everything; chatty libraries turned down."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_libraries(level)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mentorbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (needs BOT_TOKEN; TELEGRAM_API_URL optional)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates by webhook (WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_LISTEN) and "
        "serve /healthz and /metrics, instead of long polling",
    )
    demo = sub.add_parser("demo", help="run the sandbox and the bot together on SQLite")
    demo.add_argument("--port", type=int, default=8081, help="sandbox port (default 8081)")
    demo.add_argument(
        "--database-url",
        default=None,
        help="database to use instead of a fresh var/demo-PORT.sqlite3 (DATABASE_URL and .env are "
        "ignored: they are the real bot's)",
    )
    sandbox = sub.add_parser("sandbox", help="run only the local Bot API sandbox")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    chat = sub.add_parser("chat", help="chat with the bot in the sandbox from this terminal")
    chat.add_argument("--as", dest="name", required=True, help="the sandbox user's first name")
    chat.add_argument("--sandbox", default="http://127.0.0.1:8081", help="sandbox URL")
    chat.add_argument("--language", default="en", help="the user's Telegram language code")
    curricula = sub.add_parser("curricula", help="programs and curricula (YAML)")
    curricula_sub = curricula.add_subparsers(dest="curricula_command", required=True)
    check = curricula_sub.add_parser("check", help="report every problem with file and line")
    check.add_argument("paths", nargs="*", help="folders or files (default: CURRICULA_DIR)")
    db = sub.add_parser("db", help="database migrations")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="migrate to the newest revision (or --revision)")
    up.add_argument("--revision", default="head")
    down = db_sub.add_parser("downgrade", help="migrate down to a revision")
    down.add_argument("revision")
    db_sub.add_parser("current", help="print the current revision")
    return parser


def _dispatch(args: argparse.Namespace, settings: Settings) -> None:
    if args.command == "run":
        require_token(settings)  # fail fast, before importing the transports
        if args.webhook:
            require_webhook(settings)
        from bot.runtime import run

        asyncio.run(run(settings, webhook=args.webhook))
    elif args.command == "demo":
        from bot.demo import run_demo

        asyncio.run(run_demo(settings, port=args.port, database_url=args.database_url))
    elif args.command == "sandbox":
        from bot.sandbox.server import serve

        serve(args.host, args.port)
    elif args.command == "chat":
        from bot.chat import run_chat

        asyncio.run(run_chat(args.sandbox, args.name, args.language))
    elif args.command == "curricula":
        from bot.curricula_check import main as check_curricula

        sys.exit(check_curricula(args.paths))
    elif args.command == "db":
        from bot.storage import migrate

        url = settings.database_url
        if args.db_command == "upgrade":
            asyncio.run(migrate.upgrade(url, args.revision))
        elif args.db_command == "downgrade":
            asyncio.run(migrate.downgrade(url, args.revision))
        revision = asyncio.run(migrate.current_revision(url))
        if args.db_command == "current":
            print(revision or "empty database")
        else:
            print(f"database at revision {revision}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: configuration problems exit with status 2 and one clear line."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from bot.demo import demo_base_settings

            settings = demo_base_settings()
        else:
            settings = load_settings()
        setup_logging(settings.log_level)
        _dispatch(args, settings)
    except (SettingsError, ProgramError) as exc:
        print(f"mentorbot: {exc}", file=sys.stderr)
        sys.exit(EXIT_CONFIG)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
