"""What every page shares: error pages, forms that survive a refusal, buttons, URL converters, languages, template filters, links."""
