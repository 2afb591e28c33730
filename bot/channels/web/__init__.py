"""Web chat: the embeddable widget's channel (see docs/channels/web.md)."""

from bot.channels.web.channel import WebChatInput

__all__ = ["WebChatInput"]
