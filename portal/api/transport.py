"""JSON in, JSON out, whatever the client's Content-Type and Accept headers say (files travel inside JSON).

Bodies larger than DATA_UPLOAD_MAX_MEMORY_SIZE are refused by Django itself (RequestDataTooBig → 400).
"""

from rest_framework.exceptions import ParseError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser


class JsonOnlyNegotiation(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class SafeJSONParser(JSONParser):
    """DRF's parser, plus a 400 for JSON nested too deeply to parse (instead of a RecursionError)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
