"""Chat transcripts (OpenAI chat messages) as HTML turns."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from assay.web._render.code import highlight_code
from assay.web._render.policy import sanitize

#: Default labels; pass ``labels=`` to render_transcript to translate or rename them. Keys are
#: sanitized roles, plus "tool_call", "reasoning", "image", "audio", "file" for the parts of a turn.
DEFAULT_LABELS: Mapping[str, str] = {
    "system": "System",
    "developer": "Developer",
    "user": "User",
    "assistant": "Assistant",
    "tool": "Tool",
    "function": "Function",
    "unknown": "Unknown",
    "tool_call": "Tool call",
    "reasoning": "Reasoning",
    "image": "Image",
    "audio": "Audio",
    "file": "File",
}

_NOT_ROLE = re.compile(r"[^a-z_]+")
_MAX_ROLE = 32


def sanitize_role(role: object) -> str:
    """`role` lower-cased and reduced to ``[a-z_]`` (at most 32 characters); "unknown" if nothing is left."""
    cleaned = _NOT_ROLE.sub("", str(role or "").lower())[:_MAX_ROLE]
    return cleaned or "unknown"


def _json_block(value: Any) -> str:
    """A highlighted JSON block for a tool call's arguments (a JSON string in OpenAI's format, a dict
    in TRL's and HF chat templates'); arguments that are not valid JSON are shown as they are."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return sanitize(highlight_code(value, "text"))
    try:
        text = json.dumps(value, indent=2, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    return sanitize(highlight_code(text, "json"))


class _Renderer:
    def __init__(self, markdown: Callable[[str], str], labels: Mapping[str, str] | None) -> None:
        self.markdown = markdown
        self.labels = {**DEFAULT_LABELS, **(labels or {})}

    def label(self, key: str) -> str:
        return self.labels.get(key) or key.replace("_", " ").capitalize()

    def placeholder(self, kind: str, detail: str = "", url: str = "") -> str:
        out = f'<div class="part-placeholder part-{kind}">[{escape(self.label(kind))}'
        if detail:
            out += f": {escape(detail)}"
        out += "]"
        if url.lower().startswith(("https://", "http://")):
            out += f' <a href="{escape(url)}" target="_blank" rel="noopener noreferrer nofollow">{escape(url)}</a>'
        elif url.lower().startswith("data:"):
            out += f" (embedded data, {len(url):,} characters, not shown)"
        elif url:
            out += f" {escape(url[:300])}"
        return out + "</div>"

    def part(self, part: Any) -> str:
        if isinstance(part, str):
            return self.markdown(part)
        if not isinstance(part, Mapping):
            return self.markdown(str(part))
        kind = str(part.get("type") or "text")
        if kind in ("text", "input_text", "output_text"):
            return self.markdown(str(part.get("text") or ""))
        if kind == "refusal":
            return f'<div class="refusal">{self.markdown(str(part.get("refusal") or ""))}</div>'
        if kind in ("image_url", "input_image", "image"):
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, Mapping) else image
            return self.placeholder("image", url=str(url or ""))
        if kind in ("input_audio", "audio"):
            return self.placeholder("audio")
        if kind in ("file", "input_file"):
            file = part.get("file")
            name = file.get("filename") if isinstance(file, Mapping) else None
            return self.placeholder("file", str(name or ""))
        return self.placeholder(sanitize_role(kind))

    def content(self, content: Any, role: str) -> str:
        if content is None or (isinstance(content, str) and not content.strip()):
            return ""
        if isinstance(content, str):
            if role in ("tool", "function") and content.lstrip()[:1] in ("{", "["):
                try:  # a tool result that is JSON reads better as JSON than as markdown
                    return _json_block(json.loads(content))
                except ValueError:
                    pass
            return self.markdown(content)
        if isinstance(content, Mapping):
            content = [content]
        if isinstance(content, Iterable):
            return "".join(self.part(part) for part in content)
        return self.markdown(str(content))

    def tool_call(self, call: Any) -> str:
        call = call if isinstance(call, Mapping) else {"function": {"arguments": call}}
        function = call.get("function") if isinstance(call.get("function"), Mapping) else call
        name = str(function.get("name") or "")
        head = f'<div class="tool-call-name">{escape(self.label("tool_call"))}'
        head += f": <code>{escape(name)}</code></div>" if name else "</div>"
        return f'<div class="tool-call">{head}{_json_block(function.get("arguments"))}</div>'

    def turn(self, message: Any) -> str:
        if not isinstance(message, Mapping):
            message = {"role": "unknown", "content": str(message)}
        role = sanitize_role(message.get("role"))
        head = f'<div class="turn-role">{escape(self.label(role))}'
        name = message.get("name")
        if name:
            head += f' <span class="turn-name">{escape(str(name))}</span>'
        head += "</div>"
        body = []
        reasoning = message.get("reasoning_content") or message.get("reasoning")
        if isinstance(reasoning, str) and reasoning.strip():
            body.append(
                f'<details class="turn-reasoning"><summary>{escape(self.label("reasoning"))}</summary>'
                f"{self.markdown(reasoning)}</details>"
            )
        body.append(self.content(message.get("content"), role))
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            body.extend(self.tool_call(call) for call in calls)
        if isinstance(message.get("function_call"), Mapping):  # the legacy single-call field
            body.append(self.tool_call({"function": message["function_call"]}))
        return f'<div class="turn turn-{role}">{head}<div class="turn-content">{"".join(body)}</div></div>\n'


def render_transcript_html(
    messages: Iterable[Any], markdown: Callable[[str], str], labels: Mapping[str, str] | None = None
) -> Markup:
    """The transcript as ``<div class="transcript">`` of turns; `markdown` renders (and sanitizes) text.

    The wrapper markup here is built from constants and escaped values; JSON blocks go through the
    same sanitizer as markdown.
    """
    renderer = _Renderer(markdown, labels)
    turns = "".join(renderer.turn(message) for message in messages)
    return Markup(f'<div class="transcript">\n{turns}</div>')
