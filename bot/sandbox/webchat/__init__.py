"""The web chat: Telegram-like chats in a browser, served by the sandbox (``routes``), with the
bot's text turned into a safe tree (``rich_text``, ``markdown``) and page views (``views``)."""
