"""What sources say, compared: values and measures at build time, two sources side by side."""
