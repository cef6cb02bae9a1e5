print("standby")
