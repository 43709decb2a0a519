"""The person's sides in every picture hipcoach draws (annotated video, report plots, web charts):
left orange, right blue, both legs together purple. One table, so a runner never has to relearn them."""

SIDE_RGB = {"left": (255, 140, 0), "right": (0, 170, 255), "both": (106, 90, 205)}
SIDE_HEX = {side: "#{:02x}{:02x}{:02x}".format(*rgb) for side, rgb in SIDE_RGB.items()}
