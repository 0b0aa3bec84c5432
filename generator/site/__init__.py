"""Stage 9, site: page views and Markdown, the MkDocs configuration and build, the calendar file."""
